#!/usr/bin/env pwsh
# Builds and tests Parsec, as build.sh does. Usage: ./build.ps1 [build|test|publish-device|help]
# PowerShell comes as a local .NET tool: `dotnet tool restore`, then `dotnet pwsh build.ps1 test`.
param([string]$Target = 'build')
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }
$resultsDir = 'artifacts/test-results'

function Invoke-Build {
    dotnet tool restore | Out-Null
    dotnet build Parsec.sln -c $configuration -nologo -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Write-Summary([string]$trx) {
    # One line a person (and CI) reads: counts from the TRX file dotnet test wrote.
    $text = Get-Content $trx -Raw
    # Test results only: the file's <ResultSummary outcome="..."> is not a test.
    $passed = ([regex]::Matches($text, '<UnitTestResult [^>]*outcome="Passed"')).Count
    $failed = ([regex]::Matches($text, '<UnitTestResult [^>]*outcome="Failed"')).Count
    $skipped = ([regex]::Matches($text, '<UnitTestResult [^>]*outcome="NotExecuted"')).Count
    Write-Output "$passed passed, $failed failed, $skipped skipped"
}

function Invoke-Tests {
    Invoke-Build
    if (Test-Path $resultsDir) { Remove-Item -Recurse -Force $resultsDir }
    # Tests in the Device category need a GPU; they run on a GPU machine through tests/Parsec.DeviceRunner.
    dotnet test tests/Parsec.Tests -c $configuration --no-build -nologo `
        --filter "TestCategory!=Device" `
        --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" `
        --results-directory $resultsDir
    $status = $LASTEXITCODE
    $trx = Join-Path $resultsDir 'results.trx'
    if (-not (Test-Path $trx)) {
        Write-Error "no test results were written ($trx missing)" -ErrorAction Continue
        Write-Output '0 passed, 1 failed, 0 skipped'
        exit 1
    }
    Write-Summary $trx
    exit $status
}

switch ($Target) {
    'build' { Invoke-Build }
    'test' { Invoke-Tests }
    'publish-device' { bash tools/device/publish.sh; exit $LASTEXITCODE }
    { $_ -in 'help', '-h', '--help' } { Write-Output 'targets: build test publish-device help' }
    default { Write-Error "unknown target '$Target'; expected one of: build test publish-device help" -ErrorAction Continue; exit 2 }
}
