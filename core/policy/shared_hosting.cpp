#include "shared_hosting.h"

namespace corslab::policy {

QList<QByteArray> commonSharedHostingSuffixes()
{
    return {"github.io", "herokuapp.com", "netlify.app", "vercel.app", "pages.dev"};
}

} // namespace corslab::policy
