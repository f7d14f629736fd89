app_name = "situation_reports"

urlpatterns: list = []
