#pragma once
// Session stores for tests outside tests/session: one recorded elsewhere (as `corslab-cli proxy
// --record x.corslab` leaves it), and its count read back as `corslab-cli session info` reads it.
#include "session/session.h"
#include "session/session_store.h"

#include <QDebug>

namespace corslab::testing {

/// A closed store at \a path with \a count exchanges whose response bodies are "body N".
inline QString createStore(const QString &path, int count)
{
    session::Session s;
    QString error;
    if (!session::SessionStore::create(path, session::StoreOptions(), &s, &error))
        qWarning() << error;
    QList<session::CapturedExchange> batch(count);
    for (int i = 0; i < count; ++i) {
        batch[i].method = "GET";
        batch[i].url = "http://127.0.0.1:9/api?n=" + QByteArray::number(i);
        batch[i].requestHeaders = {{"Origin", "http://127.0.0.1:8"}};
        batch[i].status = 200;
        batch[i].responseBody.stored = "body " + QByteArray::number(i);
        batch[i].responseBody.size = batch[i].responseBody.stored.size();
        batch[i].startedAtMs = 1700000000000 + i;
    }
    s.append(batch);
    return path;
}

/// How many exchanges the store at \a path holds (-1: it cannot be read).
inline qsizetype storeCount(const QString &path)
{
    session::Session s;
    QString error;
    if (!session::SessionStore::open(path, session::SessionStore::Mode::ReadOnly, {}, &s, {},
                                     nullptr, nullptr, &error)) {
        qWarning() << error;
        return -1;
    }
    return s.count();
}

} // namespace corslab::testing
