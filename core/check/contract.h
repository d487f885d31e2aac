#pragma once

#include "base/header_list.h"
#include "client/browser_client.h"
#include "cors/cors_error.h"
#include "cors/scenario.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>

/// A contract: what must hold for a real API's CORS, written by hand or from a recording, then
/// expanded into cases (one request under one browser each) and judged.
namespace corslab::check {

/// What the page must see.
enum class Expectation {
    Exposed, ///< the page can read the response
    Blocked, ///< the browser refuses it to the page
};

/// "exposed", "blocked".
QString expectationName(Expectation expectation);

/// \brief One rule of a contract, as written (the file's `rules[i]`).
struct ContractRule
{
    QString name;                        ///< empty: cases are named "<METHOD> <url> from <origin>"
    QString url;                         ///< absolute http(s) URL, or a path under base_url
    QList<QByteArray> origins;           ///< the page origins of `expect`
    QList<QByteArray> methods = {"GET"}; ///< never empty
    base::HeaderList headers;            ///< the headers the script sets, in order
    cors::CredentialsMode credentials = cors::CredentialsMode::SameOrigin;
    cors::RequestMode mode = cors::RequestMode::Cors;
    QByteArray body;                   ///< empty: none
    QStringList browsers;              ///< empty: the contract's default
    std::optional<Expectation> expect; ///< for `origins`; unset when only the shorthands
    QList<QByteArray> readableHeaders; ///< with Exposed: names JavaScript must read
    cors::CorsError error = cors::CorsError::None; ///< with Blocked: None means any error
    bool varyOrigin = false;                       ///< the response must carry Vary: Origin
    std::optional<qint64> maxAgeAtLeast;           ///< seconds; the preflight's lower bound
    QList<QByteArray> allowedOrigins;              ///< shorthand: each expects exposed
    QList<QByteArray> deniedOrigins;               ///< shorthand: blocked, simple and preflighted

    friend bool operator==(const ContractRule &, const ContractRule &) = default;
};

/// \brief A whole contract file.
struct Contract
{
    int version = 1;
    QString baseUrl;      ///< empty: none (then every rule's url is absolute)
    QStringList browsers; ///< the rules' default; empty means ["chromium"]
    QList<ContractRule> rules;

    friend bool operator==(const Contract &, const Contract &) = default;
};

/// Which request of a rule a case sends.
enum class CaseVariant {
    Plain,           ///< the rule's own request
    DeniedSimple,    ///< denied origin: a request that needs no preflight
    DeniedPreflight, ///< denied origin: a request that needs a preflight
};

/// \brief One request under one browser, with what must hold for it.
struct ContractCase
{
    QString name; ///< "reads items: GET from https://app.example.com [chromium]"
    int ruleIndex = 0;
    CaseVariant variant = CaseVariant::Plain;
    client::ComposedRequest request; ///< what the page's fetch() asks for (mode included)
    QString browser;                 ///< a profile name: "chromium", "firefox", "safari", "spec"
    Expectation expect = Expectation::Exposed;
    QList<QByteArray> readableHeaders;
    cors::CorsError error = cors::CorsError::None; ///< None: any error will do
    bool varyOrigin = false;
    std::optional<qint64> maxAgeAtLeast;
};

/// The browsers "all" stands for.
QStringList allBrowsers();

/// The cases of \a contract: per rule, one per origin × method × browser for `origins` and
/// `allowed_origins`, and two (simple, preflighted) for each `denied_origins` entry; identical
/// requests of one rule are sent once. A rule's path is resolved against \a baseUrlOverride when
/// it is not empty, else against the contract's base_url. On a problem (a path without a base
/// URL, a URL that does not parse) returns an empty list and sets \a error ("rules[2].url: ...").
QList<ContractCase> expandContract(const Contract &contract, const QUrl &baseUrlOverride,
                                   QString *error);

} // namespace corslab::check
