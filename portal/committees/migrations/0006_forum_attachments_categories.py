# Forums: attachments on posts, optional categories of threads.

import django.db.models.deletion
import django.utils.timezone
import portal.committees.forums.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('committees', '0005_committee_invitations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PostAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=200, upload_to=portal.committees.forums.models.attachment_path)),
                ('original_name', models.CharField(max_length=255, verbose_name='file name')),
                ('content_type', models.CharField(max_length=100)),
                ('size', models.PositiveIntegerField(verbose_name='size')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'post attachment',
                'verbose_name_plural': 'post attachments',
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.AlterField(
            model_name='moderationentry',
            name='action',
            field=models.CharField(choices=[('hide', 'Post hidden'), ('unhide', 'Post shown again'), ('auto_hide', 'Post hidden after three reports'), ('dismiss', 'Reports dismissed, post kept'), ('lock', 'Thread closed'), ('unlock', 'Thread reopened'), ('pin', 'Thread pinned'), ('unpin', 'Thread unpinned'), ('slow', 'Thread slowed down'), ('move', 'Thread moved'), ('category', "Thread's category changed"), ('suspend', 'Member suspended'), ('reinstate', 'Member reinstated'), ('remove', 'Member removed')], max_length=20, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='ForumCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('slug', models.SlugField(max_length=100, verbose_name='identifier')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('committee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='forum_categories', to='committees.committee')),
            ],
            options={
                'verbose_name': 'forum category',
                'verbose_name_plural': 'forum categories',
                'ordering': ['position', 'name', 'id'],
            },
        ),
        migrations.AddField(
            model_name='thread',
            name='category',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='threads', to='committees.forumcategory', verbose_name='category'),
        ),
        migrations.AddIndex(
            model_name='thread',
            index=models.Index(fields=['category', '-is_pinned', '-last_activity_at'], name='thread_category_order'),
        ),
        migrations.AddField(
            model_name='postattachment',
            name='post',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='committees.post'),
        ),
        migrations.AddConstraint(
            model_name='forumcategory',
            constraint=models.UniqueConstraint(fields=('committee', 'slug'), name='forum_category_unique'),
        ),
    ]
