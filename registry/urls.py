from django.urls import path

from registry.views import audit, dashboard, documents, register

app_name = "registry"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("register/", register.RegisterListView.as_view(), name="register"),
    path("documents/new/", documents.DocumentRegisterView.as_view(), name="document_register"),
    path("documents/<int:pk>/", documents.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/trail/", documents.DocumentTrailView.as_view(), name="document_trail"),
    path("documents/<int:pk>/open/", documents.DocumentOpenView.as_view(), name="document_open"),
    path("documents/<int:pk>/route/", documents.DocumentRouteView.as_view(), name="document_route"),
    path("documents/<int:pk>/sign-for/", documents.DocumentSignForView.as_view(), name="document_sign_for"),
    path(
        "documents/<int:pk>/begin-handling/",
        documents.DocumentBeginHandlingView.as_view(),
        name="document_begin_handling",
    ),
    path("documents/<int:pk>/cancel/", documents.DocumentCancelView.as_view(), name="document_cancel"),
    path("audit/", audit.AuditSearchView.as_view(), name="audit_search"),
]
