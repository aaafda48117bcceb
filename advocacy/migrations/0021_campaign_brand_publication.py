"""When a campaign's brand posts went out: at the campaign's start, which may come after its launch."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0020_link_visitor_clicks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Campaign',
            name='brand_published_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
