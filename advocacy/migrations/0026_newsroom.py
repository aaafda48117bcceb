"""The newsroom import: subscribed RSS and Atom feeds, and their items, each imported once per feed."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0025_post_images')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NewsroomFeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('url', fields.CharField(unique=True, max_length=2000)),
                ('title', fields.CharField(default='', max_length=300)),
                ('pack', fields.ForeignKeyField('models.ContentPack', source_field='pack_id', db_constraint=True, to_field='id', related_name='newsroom_feeds', on_delete=OnDelete.CASCADE)),
                ('active', fields.BooleanField(default=True)),
                ('subscribed_by', fields.ForeignKeyField('models.User', source_field='subscribed_by_id', null=True, db_constraint=True, to_field='id', related_name='newsroom_feeds', on_delete=OnDelete.SET_NULL)),
                ('subscribed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('etag', fields.CharField(default='', max_length=500)),
                ('last_modified', fields.CharField(default='', max_length=100)),
                ('checked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_check_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('failures', fields.IntField(default=0)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'newsroom_feeds', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An RSS or Atom feed the worker reads: its new items become draft posts of `pack`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NewsroomItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('feed', fields.ForeignKeyField('models.NewsroomFeed', source_field='feed_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=64)),
                ('title', fields.CharField(max_length=300)),
                ('link', fields.CharField(max_length=2000)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('found_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='newsroom_items', on_delete=OnDelete.SET_NULL)),
                ('filed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'newsroom_items', 'app': 'models', 'unique_together': (('feed', 'key'),), 'pk_attr': 'id', 'table_description': 'One item of a feed, imported once: unique per feed by its guid (or its link without one).'},
            bases=['Model'],
        ),
    ]
