#!/bin/bash
# Runs Playwright specs against the dev stack (offset 400): build once with BUILD=1.
cd /work/wt/i15
eval "$(node -e 'const e=require("./.scratch/env.json"); for (const [k,v] of Object.entries(e)) if (v) console.log(`export ${k}=${JSON.stringify(v)}`)')"
export APP_URL=http://127.0.0.1:5574
if [ -n "$BUILD" ]; then PUBLIC_SUPABASE_URL=$API_URL PUBLIC_SUPABASE_ANON_KEY=$ANON_KEY PUBLIC_MAIL_URL=$MAIL_URL npx vite build >/tmp/i15-build.log 2>&1 || { tail -20 /tmp/i15-build.log; exit 1; }; fi
npx playwright test "$@"
