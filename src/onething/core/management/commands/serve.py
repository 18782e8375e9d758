"""Run the web server and the background worker side by side; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

DEMO_SIGN_INS = """
演示账号 Demo sign-ins (密码 password: onething-demo)
  申请人 applicant       zhangsan   （句容市华阳街道，个人）
  申请人 applicant       lisi       （南京市江宁区，个人，跨区域办理）
  企业经办人 enterprise  wangwu     （句容市味之源餐饮有限公司）
  帮办员 agent           bangban    （受赵奶奶委托代办）
  综合窗口 window clerk  clerk      （句容市政务服务中心）
  牵头部门 coordinator   coord      （句容市卫生健康委员会）
  部门审批 approver      approver   （句容市公安局）
  部门审批 approver      approver_jn（南京市江宁区公安局）
  12345坐席 hotline      hotline
  事项管理 editor        editor
  监督管理 supervisor    supervisor （句容市政务服务管理办公室）
  平台管理 admin         admin      （also /admin/）
"""


class Command(BaseCommand):
    help = "Start the web server and the task worker together (development and demo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        address = f"{options['host']}:{options['port']}"
        python = [sys.executable, "-m", "onething"]
        processes = [
            subprocess.Popen([*python, "runserver", "--noreload", address]),
            subprocess.Popen([*python, "worker", "--queue-name", "default", "--no-reload"]),
            # delivers webhook messages whose task was lost, and retries on schedule
            subprocess.Popen([*python, "outbox", "sweep", "--loop", "--interval", "5"]),
        ]
        self.stdout.write(
            self.style.SUCCESS(f"\n平台已启动 OneThing is running: http://{address}/")
        )
        self.stdout.write(DEMO_SIGN_INS)
        self.stdout.write("按 Ctrl-C 停止 (press Ctrl-C to stop)\n")
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop(processes)

    def _stop(self, processes: list[subprocess.Popen[bytes]]) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("已停止 Stopped.")
