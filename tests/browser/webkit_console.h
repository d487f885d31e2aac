#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

/// \brief WebKit's console sentences for blocked requests, per harness case, read from what
/// MiniBrowser writes with --enable-write-console-messages-to-stdout (WebKitRunner's console mode).
///
/// WebKit prints a blocked request as two lines: "CONSOLE SECURITY ERROR <why>" and then
/// "CONSOLE JS ERROR Fetch API cannot load <url> due to access control checks.". The page logs
/// kConsoleCaseMarker and the case id before each case, so every line after a marker belongs to
/// that case. Returns each case's "why" sentences in order (a case with none is absent).
QHash<QString, QStringList> webkitSecurityErrorsByCase(const QString &consoleOutput);
