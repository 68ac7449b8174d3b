@echo off
rem Set up FlowML Studio from a fresh clone and start it: venv, backend, dashboard (when Node is there), flowml up.
setlocal
cd /d "%~dp0"

where py >nul 2>nul && (set "PY=py -3") || (set "PY=python")
%PY% -c "import sys; sys.exit(sys.version_info < (3, 11))" || (
  echo FlowML needs Python 3.11 or newer.
  exit /b 1
)

if not exist .venv\Scripts\python.exe (
  echo ==^> creating .venv
  %PY% -m venv .venv || exit /b 1
)
echo ==^> installing the backend (pinned by backend\constraints.txt)
.venv\Scripts\python.exe -m pip install --quiet --upgrade pip || exit /b 1
.venv\Scripts\python.exe -m pip install --quiet -c backend\constraints.txt -e backend || exit /b 1

where npm >nul 2>nul
if %errorlevel%==0 (
  echo ==^> building the dashboard
  pushd frontend
  call npm ci --no-audit --no-fund --loglevel=error || (popd & exit /b 1)
  call npm run build || (popd & exit /b 1)
  popd
) else (
  echo ==^> Node.js not found: skipping the dashboard build.
  echo     The API still runs; install Node.js 20+ and run this script again to get the dashboard.
)

echo ==^> starting FlowML Studio
.venv\Scripts\flowml.exe up %*
