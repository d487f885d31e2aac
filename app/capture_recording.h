#pragma once

#include "session/session.h"
#include "session/session_store.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>
#include <memory>

class QTextStream;

/// One line per captured exchange, as `proxy` and `attach` print them: "14:03:07.123  #12
/// preflight  OPTIONS https://api.example.com/x  origin=…  204  3ms  exposed", and when the
/// browser reported its own verdict, that verdict and whether it agrees with the engine's.
QByteArray exchangeLine(const corslab::session::ExchangeRow &row);

/// Prints (unless \a quiet) the lines of the exchanges of \a session from \a printed on, on
/// stdout in one write; returns how many exchanges are printed now.
qsizetype printNewExchanges(const corslab::session::Session &session, qsizetype printed,
                            bool quiet);

/// \brief Where a headless capture keeps its session while it runs and after: --record's store,
/// or (without it, or when it names a .json file to write at the end) a store of its own, so
/// bodies live on disk and memory stays bounded whatever the traffic.
class CaptureRecording
{
public:
    struct Options
    {
        QString recordFile;     ///< --record: a store directory or a .json file; empty: none
        double syncSeconds = 1; ///< how often the store is synced
        corslab::session::StoreRetention retention;
        QString command; ///< "corslab-cli proxy: ", the prefix of messages
    };

    CaptureRecording(Options options, QTextStream &out, QTextStream &err);

    /// Makes \a session live in the store. False (with the message printed) when it cannot.
    bool start(corslab::session::Session *session);
    /// Syncs and closes the store; writes the .json file --record asked for. False on a failure
    /// (printed).
    bool finish(const corslab::session::Session &session);

private:
    QString storeDirectory();

    Options m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    corslab::session::SessionStore *m_store = nullptr;
    std::unique_ptr<QTemporaryDir> m_scratch; ///< the store without --record
};
