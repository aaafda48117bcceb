"""The used one-tap share links (single use), and the posts a notice offers one-tap actions for."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0021_campaign_brand_publication')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OneTapUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nonce', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='one_tap_uses', on_delete=OnDelete.CASCADE)),
                ('used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_tap_uses', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A one-tap share link (from a notification) that was used: its nonce makes a second use'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Notification',
            name='post_ids',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
    ]
