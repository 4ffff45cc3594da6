# Originals kept privately, a focal point for crops, who uploaded a photo and when.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import articles.media.images
import articles.models.reference


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_embeds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="photo",
            name="focal_x",
            field=models.FloatField(
                default=0.5,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1),
                ],
                verbose_name="titik fokus (mendatar)",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="focal_y",
            field=models.FloatField(
                default=0.5,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1),
                ],
                verbose_name="titik fokus (tegak)",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="original",
            field=models.FileField(
                blank=True,
                editable=False,
                max_length=200,
                storage=articles.models.reference.originals_storage,
                upload_to=articles.models.reference.photo_upload_path,
                verbose_name="berkas asli",
            ),
        ),
        # Existing photos: no date (their upload time is not known), new ones: now.
        migrations.AddField(
            model_name="photo",
            name="uploaded_at",
            field=models.DateTimeField(
                db_index=True, editable=False, null=True, verbose_name="diunggah"
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="uploaded_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                null=True,
                verbose_name="diunggah",
            ),
        ),
        migrations.AddField(
            model_name="photo",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="pengunggah",
            ),
        ),
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=articles.media.images.PhotoImageField(
                blank=True,
                height_field="height",
                help_text="JPEG, PNG atau WebP, sampai 100 juta piksel. Boleh menyusul: keterangan bisa ditulis lebih dulu.",
                original_field="original",
                upload_to=articles.models.reference.photo_upload_path,
                validators=[articles.media.images.validate_photo],
                verbose_name="berkas foto",
                width_field="width",
            ),
        ),
    ]
