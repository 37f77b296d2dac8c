from django.conf import settings


def portcullis(request):
    user = request.user
    grade = None
    if user.is_authenticated:
        staff = getattr(user, "staff", None)
        grade = staff.grade if staff else None
    return {"portcullis_mode": settings.MODE, "staff_grade": grade}
