from django.db import connection
from django.http import HttpResponse
from django.urls import path

PAGE = (
    "<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Sàn đo</title></head>"
    "<body><h1>Khóa học</h1><p>{count} khóa học</p></body></html>"
)


def floor_page(request):
    # One trivial query, so the floor pays for a database round trip like every LMS page does.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (count,) = cursor.fetchone()
    return HttpResponse(PAGE.format(count=count))


urlpatterns = [path("", floor_page)]
