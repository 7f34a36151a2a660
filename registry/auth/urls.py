from django.urls import path

from registry.auth import views

app_name = "second_factor"

urlpatterns = [
    path("", views.VerifyView.as_view(), name="verify"),
    path("enrol/", views.EnrolView.as_view(), name="enrol"),
    path("enrol/device/", views.EnrolDeviceView.as_view(), name="enrol_device"),
]
