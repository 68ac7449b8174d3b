@echo off
rem Start FlowML Studio again without reinstalling (run setup-and-run.bat once first).
setlocal
cd /d "%~dp0"
if not exist .venv\Scripts\flowml.exe (
  echo FlowML is not installed here yet: run setup-and-run.bat first.
  exit /b 1
)
.venv\Scripts\flowml.exe up %*
