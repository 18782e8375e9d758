from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkdayOverride(models.Model):
    """A day the State Council's holiday notice makes a holiday or a working day (调休).

    chinesecalendar carries the notices up to its last release; a year past that is usable only
    once its notice has been entered here (with ``covers_year`` set on one row per year), so the
    platform never guesses a year's holidays.
    """

    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    name = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=128, help_text="the notice, e.g. 国办发明电〔2026〕X号")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"


class WorkerBeat(models.Model):
    """A running task worker (``onething worker``), and when it last said it was alive.

    The worker writes this every ``ONETHING_WORKER_BEAT_SECONDS`` from a thread of its own and
    deletes it when it stops cleanly. A row that has gone silent is a worker that was killed:
    the sweeper requeues the tasks it held at once, instead of waiting for them to grow old.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "任务进程心跳"
        verbose_name_plural = "任务进程心跳"

    def __str__(self) -> str:
        return f"{self.worker_id} {self.host}:{self.pid} {self.beat_at:%H:%M:%S}"
