"""Deliveries on the organisation's channels: the Slack app's direct messages and the Teams cards."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.notify.models import Channel
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0022_one_tap_links')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Delivery',
            name='channel',
            field=fields.CharEnumField(description='EMAIL: email\nSLACK: slack\nTEAMS: teams\nSLACK_APP: slack_app\nTEAMS_APP: teams_app', enum_type=Channel, max_length=16),
        ),
    ]
