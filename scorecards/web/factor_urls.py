"""The factor guide: a page per factor with its checks and the organisation's pass rates."""

from django.urls import path

from scorecards.web import factors

app_name = "factors"

urlpatterns = [
    path("", factors.factor_list, name="list"),
    path("<slug:key>/", factors.factor_detail, name="detail"),
]
