"""Posts keep their pictures: the Open Graph image of their link, fetched once and served by the service."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0024_audit_forgets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PostImage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='image', on_delete=OnDelete.CASCADE)),
                ('digest', fields.CharField(db_index=True, max_length=64)),
                ('content_type', fields.CharField(max_length=32)),
                ('data', fields.BinaryField()),
                ('alt', fields.CharField(max_length=300)),
                ('source_url', fields.CharField(max_length=2000)),
                ('fetched_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'post_images', 'app': 'models', 'pk_attr': 'id', 'table_description': "A post's picture: its link's Open Graph image, fetched once when the post is written and served"},
            bases=['Model'],
        ),
    ]
