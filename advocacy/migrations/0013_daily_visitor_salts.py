"""A random salt per day for the link visitor hashes, deleted with them once the day is final."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_encrypted_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='VisitorSalt',
            fields=[
                ('day', fields.DateField(primary_key=True, unique=True, db_index=True)),
                ('salt', fields.CharField(max_length=64)),
            ],
            options={'table': 'visitor_salts', 'app': 'models', 'pk_attr': 'day', 'table_description': 'The random salt of the visitor hashes of one day, shared by every web process.'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='LinkVisitor',
            options={'table': 'link_visitors', 'app': 'models', 'unique_together': (('link', 'day', 'visitor'),), 'pk_attr': 'id', 'table_description': 'A salted hash of one visitor on one day, only to count unique visitors. No address is kept,'},
        ),
    ]
