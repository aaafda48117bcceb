"""Network parkings: why, since when, how often probed, under which setting; one share per platform post."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.accounts.models import ParkingKind
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0017_compliance_policy')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='AppParking',
            options={'table': 'app_parkings', 'app': 'models', 'pk_attr': 'network', 'table_description': 'A network on which the whole application waits until `until`, then probes with one share.'},
        ),
        ops.AddField(
            model_name='AppParking',
            name='ends_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='AppParking',
            name='kind',
            field=fields.CharEnumField(default=ParkingKind.QUOTA, description='QUOTA: quota\nCREDITS: credits\nRETIRED_VERSION: retired_version', db_default='quota', enum_type=ParkingKind, max_length=32),
        ),
        ops.AddField(
            model_name='AppParking',
            name='probes',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='AppParking',
            name='setting',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='AppParking',
            name='since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddConstraint(
            model_name='Share',
            constraint=UniqueConstraint(fields=('network', 'external_id'), name=None),
        ),
    ]
