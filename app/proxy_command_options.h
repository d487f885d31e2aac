#pragma once

#include "proxy/proxy_options.h"
#include "session/session_store.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>

class QTextStream;

namespace corslab::cors {
struct BrowserProfile;
}

/// \brief What `corslab-cli proxy`'s command line asks for, checked.
struct ProxyCommandOptions
{
    corslab::proxy::ProxyOptions proxy; ///< mode, target, body cap, threads, upstream trust
    QHostAddress address;
    quint16 port = 0;
    const corslab::cors::BrowserProfile *browser = nullptr;
    qint64 bodyCap = 0;
    double recordSeconds = 1; ///< how often the recording is synced
    corslab::session::StoreRetention retention;
    QString rulesFile;   ///< empty: no --rules
    QString recordFile;  ///< empty: no --record (the session is kept in a temporary store)
    QString exportCaTo;  ///< empty: no --export-ca
    QString caDirectory; ///< empty: the default directory
    bool interceptTls = false;
    bool launchBrowser = false;
    QString browserBinary;
    QString openUrl; ///< empty: the playground's page, or about:blank
    bool playground = false;
    bool quiet = false;
};

/// Parses `corslab-cli proxy`'s \a arguments into \a options. Returns nullopt when the proxy
/// should run; otherwise the exit code: 0 after --help (printed on \a out), 2 after a usage error
/// (one line on \a err naming the option and what was expected).
std::optional<int> parseProxyCommand(const QStringList &arguments, QTextStream &out,
                                     QTextStream &err, ProxyCommandOptions *options);
