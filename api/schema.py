"""How the OpenAPI document describes API keys (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "ApiKey"
    optional = True  # anonymous clients get the public rates

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "Khóa API của đơn vị (tùy chọn), hoặc tiêu đề "
            "Authorization: ApiKey <khóa>.",
        }
