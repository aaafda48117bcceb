"""The audit log's description says that de-identification is the one change its entries ever see."""

from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('models', '0023_organisation_channels')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='AuditEntry',
            options={'table': 'audit_entries', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One thing that happened: who, when, what, to which target; never changed but to forget a person.'},
        ),
    ]
