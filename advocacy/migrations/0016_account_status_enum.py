from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.accounts.models import AccountStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_ingest_row_types')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='SocialAccount',
            name='status',
            field=fields.CharEnumField(default=AccountStatus.CONNECTED, description='CONNECTED: connected\nNEEDS_RECONNECT: needs_reconnect\nDISCONNECTED: disconnected', enum_type=AccountStatus, max_length=32),
        ),
    ]
