app_name = "meetings_public"

# Pages reached without a municipality in the address: share links and calendar feeds.
urlpatterns: list = []
