# Meetings, agendas, minutes and safety walks: see the meetings issue.
