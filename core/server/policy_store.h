#pragma once

#include "cors_policy.h"

#include <QReadWriteLock>

namespace corslab::server {

/// \brief The live policy, shared by the GUI (writer) and the network thread (readers).
///
/// Readers take a copy per request, so a change takes effect on the next request and never in the
/// middle of one.
class PolicyStore
{
public:
    explicit PolicyStore(CorsPolicy initial = {}) : m_policy(std::move(initial)) {}

    CorsPolicy get() const
    {
        QReadLocker lock(&m_lock);
        return m_policy;
    }
    void set(const CorsPolicy &policy)
    {
        QWriteLocker lock(&m_lock);
        m_policy = policy;
    }

private:
    mutable QReadWriteLock m_lock;
    CorsPolicy m_policy;
};

} // namespace corslab::server
