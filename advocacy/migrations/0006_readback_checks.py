from tortoise import migrations
from tortoise.migrations import operations as ops
from advocacy.shares.models import ReadbackState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_security')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReadbackCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('share', fields.ForeignKeyField('models.Share', source_field='share_id', db_constraint=True, to_field='id', related_name='readbacks', on_delete=OnDelete.CASCADE)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(description='INTACT: intact\nFLAGGED: flagged\nDELETED: deleted\nUNAVAILABLE: unavailable', enum_type=ReadbackState, max_length=16)),
                ('approved_text_kept', fields.BooleanField(null=True)),
                ('disclosure_kept', fields.BooleanField(null=True)),
                ('shown_text', fields.TextField(default='', unique=False)),
                ('detail', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'share_readbacks', 'app': 'models', 'indexes': [Index(fields=['share_id', 'checked_at'])], 'pk_attr': 'id', 'table_description': 'One reading of a published share from its platform, compared with the approved text.'},
            bases=['Model'],
        ),
    ]
