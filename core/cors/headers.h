#pragma once

// The engine reads header lists with Fetch's header algorithms. They live in base, the lowest
// module, because the HTTP layer and the session use the same list; these using-declarations
// bring them into the engine's namespace (no second definition).
#include "base/header_list.h"

namespace corslab::cors {

using base::asciiLower;
using base::containsHeader;
using base::equalsIgnoreCase;
using base::ExtractedValues;
using base::extractHeaderListValues;
using base::getDecodeAndSplit;
using base::getHeader;
using base::Header;
using base::HeaderList;
using base::isHttpToken;
using base::isHttpWhitespace;
using base::normalizeHeaderValue;

} // namespace corslab::cors
