"""Pages of the hotline app: the public 政务问答台 and the staff side live in their own modules."""

from . import views_public, views_staff

app_name = "hotline"
urlpatterns = [*views_public.urlpatterns, *views_staff.urlpatterns]
