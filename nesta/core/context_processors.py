from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME_SETTING": getattr(settings, "PLATFORM_NAME", "")}
