"""Pages of the cases app: the applicant's side and the staff side live in their own modules."""

from . import views_applicant, views_staff

app_name = "cases"
urlpatterns = [*views_applicant.urlpatterns, *views_staff.urlpatterns]
