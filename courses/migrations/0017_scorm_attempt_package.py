import django.db.models.deletion
from django.db import migrations, models


def existing_attempts_belong_to_the_current_package(apps, schema_editor):
    ScormAttempt = apps.get_model("courses", "ScormAttempt")
    ScormLessonPage = apps.get_model("courses", "ScormLessonPage")
    for page in ScormLessonPage.objects.exclude(package=None).only("pk", "package_id"):
        ScormAttempt.objects.filter(page_id=page.pk).update(package_id=page.package_id)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0016_scorm_lessons"),
    ]

    operations = [
        migrations.AddField(
            model_name="scormattempt",
            name="package",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="courses.scormpackage",
                verbose_name="gói SCORM",
            ),
        ),
        migrations.RunPython(
            existing_attempts_belong_to_the_current_package, migrations.RunPython.noop
        ),
    ]
