"""How many incidents the map of each demo municipality piles on area centres (issue 12, point 7).

Run with ``manage.py shell < scripts/count_map_piles.py`` on a seeded demo: it asks the map's
own JSON as each municipality's coordinator and counts the markers drawn at a centre (not at a
position of their own).
"""

from django.contrib.auth import get_user_model
from django.test import Client

from councils.models import Municipality

for municipality in Municipality.objects.order_by("slug"):
    user = get_user_model().objects.get(username=f"{municipality.slug}.samordnare")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    data = client.get(f"/{municipality.slug}/incidents/map/data.json").json()
    piled = sum(1 for p in data["points"] if p.get("approximate"))
    counted = sum(a.get("without_position", 0) for a in data.get("areas", []))
    print(
        f"{municipality.name}: {data['total']} incidents, {len(data['points'])} markers, "
        f"{piled} piled on centres, {counted} counted on area outlines instead"
    )
