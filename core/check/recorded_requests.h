#pragma once

#include "base/header_list.h"
#include "contract.h"
#include "cors/scenario.h"
#include "observation.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace corslab::session {
class Session;
}

/// The requests a page made, as a recording shows them: what contracts are written from, and
/// what a contract is judged against offline.
namespace corslab::check {

/// \brief What tells one recorded request from another: a rule of a contract written from a
/// recording, or a case looked up in it.
struct RequestKey
{
    QByteArray origin;             ///< the page's serialized origin
    QByteArray url;                ///< scheme://host[:port]/path: no query, no fragment
    QByteArray method;             ///< normalized (fetch() upper-cases PUT, DELETE...)
    QList<QByteArray> headerNames; ///< the script's header names, lowercase, sorted, once each
    bool credentials = false;      ///< credentials: 'include'

    friend bool operator==(const RequestKey &, const RequestKey &) = default;
};

/// \brief One request of a recording, with what the page saw.
struct RecordedRequest
{
    RequestKey key;
    base::HeaderList headers; ///< the script's headers as recorded (announced names: a placeholder)
    cors::CredentialsMode credentials = cors::CredentialsMode::SameOrigin; ///< as judged
    qsizetype index = -1;       ///< the exchange judged: the actual request, or its preflight
    bool preflightOnly = false; ///< the preflight failed, so the request itself was never sent
    QByteArray allowOrigin;     ///< the response's Access-Control-Allow-Origin
    Observation observation;
};

/// The URL as a key: scheme://host[:port]/path (default port left out, query dropped).
QByteArray urlKey(const QUrl &url);

/// The key a case is looked up by.
RequestKey caseKey(const ContractCase &contractCase);

/// Every CORS request of \a session judged under its profile, in capture order: the actual
/// requests, and each failed preflight whose request was never sent. A request seen several times
/// (same key) is listed once, where it was first seen, with its last outcome. Failed exchanges (no
/// response) are kept, with Observation::networkFailure set.
QList<RecordedRequest> recordedRequests(const session::Session &session);

/// What the recording says each of \a cases got, under the case's browser (the recording is
/// judged again under another profile when needed). A case the recording has no request for
/// gets an Observation whose networkFailure says so.
QList<Observation> observationsFromSession(const session::Session &session,
                                           const QList<ContractCase> &cases);

} // namespace corslab::check
