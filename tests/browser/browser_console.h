#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

// A browser's console messages per harness case, read from what the browser wrote to its output.
// The page logs kConsoleCaseMarker and the case id before each case (scenario_page.cpp), so every
// message after a marker belongs to that case. Each function returns every case's messages of one
// kind, in order; a case with none is absent.

/// WebKit's reasons for blocked requests, from MiniBrowser with
/// --enable-write-console-messages-to-stdout (WebKitRunner's console mode). WebKit prints a
/// blocked request as "CONSOLE SECURITY ERROR <why>" and then "CONSOLE JS ERROR Fetch API cannot
/// load <url> due to access control checks."; this returns the "why" sentences.
QHash<QString, QStringList> webkitSecurityErrorsByCase(const QString &output);

/// Chromium's CORS console lines ("Access to fetch at '…' from origin '…' has been blocked by CORS
/// policy: …"), from Chromium started with --enable-logging=stderr --v=0
/// (ChromiumRunner::setConsoleLogging()), which writes each message as
/// `[…:INFO:CONSOLE:N] "<message>", source: <url> (N)`.
QHash<QString, QStringList> chromiumCorsMessagesByCase(const QString &output);
