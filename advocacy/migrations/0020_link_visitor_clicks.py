"""How many clicks each link visitor sent that day, so the per-visitor cap holds across flushes."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0019_session_versions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='LinkVisitor',
            name='clicks',
            field=fields.IntField(default=1, db_default=1),
        ),
    ]
