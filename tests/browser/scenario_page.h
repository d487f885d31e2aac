#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

/// What the page needs to run one case.
struct PageCase
{
    QString id;
    int repeat = 1;
    QJsonObject request; ///< The resolved scenario's "request" object.
};

/// What the page writes to the console (console.info) before each case's first fetch, followed by
/// the case id: where that case's console messages begin.
inline constexpr char kConsoleCaseMarker[] = "corslab-case:";

/// \brief The HTML page that runs \a cases in the browser.
///
/// For each case in order, after logging kConsoleCaseMarker and its id, \c repeat times: fetch(url,
/// {method, headers, credentials, mode, redirect, body}) passing only the fields the request has,
/// then records {resolved, status, type, headers, url} or {resolved: false, error} and POSTs {id,
/// attempts} to /result on the page origin. Finally POSTs /done. Every fetch is aborted after \a
/// fetchTimeoutMs so one stuck case cannot hang the run.
QByteArray scenarioPageHtml(const QList<PageCase> &cases, int fetchTimeoutMs = 10000);
