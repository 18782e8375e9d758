"""Pages of the insight app (statistics and assessment sheets), under /staff/insight/."""

from . import views

app_name = "insight"
urlpatterns = views.urlpatterns
