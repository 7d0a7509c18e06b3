from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("members", "0013_member_changes_into_history")]

    operations = [migrations.DeleteModel(name="MemberChange")]
