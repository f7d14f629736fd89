"""What the test provider says about its users and in its ID tokens."""

# A client whose ID tokens name another application as their audience: what Trygghet would
# get from a provider that issued the token to someone else (a misconfigured provider, or a
# token meant for another application replayed at Trygghet).
MISISSUED_CLIENT_ID = "trygghet-misissued"
OTHER_AUDIENCE = "another-application"


def userinfo(claims, user):
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["name"] = user.get_full_name()
    return claims


def id_token(id_token, user, token, request):
    if token.client.client_id == MISISSUED_CLIENT_ID:
        id_token["aud"] = OTHER_AUDIENCE
    return id_token
