#pragma once

#include "browser_profile.h"
#include "scenario.h"
#include "verdict.h"

#include <QMap>
#include <QString>
#include <optional>

namespace corslab::cors {

/// A change to one response: a status to answer with, headers to set (each replacing every header
/// of that name) and header names to remove.
struct HeaderPatch
{
    std::optional<int> status;
    HeaderList set;
    QList<QByteArray> remove;

    bool isEmpty() const { return !status && set.isEmpty() && remove.isEmpty(); }
    void setHeader(const QByteArray &name, const QByteArray &value);
    void merge(const HeaderPatch &later);
    void applyTo(ResponseSpec &response) const;
};

/// A change on the page's side: the fetch() call written differently.
struct ClientChange
{
    std::optional<QUrl> url;
    std::optional<QByteArray> method;
    std::optional<CredentialsMode> credentials;
    std::optional<RequestMode> mode;
    std::optional<RedirectMode> redirect;
    bool skipRedirects = false; ///< with url: request the final URL directly
    QString summary;
    /// True when no server change can help without it (mode 'no-cors', a forbidden method...).
    bool required = false;

    void applyTo(Scenario &scenario) const;
};

/// \brief The smallest change that makes a blocked request pass under a profile.
struct Fix
{
    std::optional<HeaderPatch> preflight;
    std::optional<HeaderPatch> response;
    QMap<int, HeaderPatch> redirects; ///< by index into Scenario::redirects
    std::optional<ClientChange> client;
    QStringList steps;    ///< one sentence per change, in the order they are needed
    bool complete = true; ///< false when no change we can express makes it pass
    QString summary() const;

    /// The scenario with the server changes applied (and the client change when it is required,
    /// or when \a withClient).
    Scenario applyTo(const Scenario &scenario, bool withClient = false) const;
};

/// Finds the fix for \a verdict by repairing one failed check at a time and judging again, so
/// the fix is right by construction for the profile. nullopt when the verdict is exposed.
std::optional<Fix> findFix(const Scenario &scenario, const Verdict &verdict,
                           const BrowserProfile &profile);

} // namespace corslab::cors
