#pragma once

#include "http/http_message.h"
#include "policy/cors_policy.h"
#include "session/captured_exchange.h"

namespace corslab::lab {

/// The playground's record of one exchange, as the session captures exchanges: the absolute URL
/// rebuilt from the demo origin that received it (\a origins), headers as they were on the wire,
/// bodies kept up to \a bodyCap bytes.
session::CapturedExchange captureFromPlayground(const http::HttpExchange &exchange,
                                                const policy::DemoOrigins &origins, qint64 bodyCap);

} // namespace corslab::lab
