"""Pages of the councils app, one module per concern: the organisation chart and bodies,
agreements and their parts, actions, people, organisations and areas."""
