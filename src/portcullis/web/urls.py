from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("people/", views.people_search, name="people-search"),
    path("people/<str:reference>/", views.person_detail, name="person"),
    path("healthz", views.healthz, name="healthz"),
]
