#!/usr/bin/env node
// Front-end build for the review portal: `npm run build` (or `build:css`, `build:js`).
//
// Writes static/dist/ (generated, not committed):
//   portal.css                 static/src/portal.scss compiled with dart-sass (compressed)
//   portal.js                  static/src/portal.js (ES module, copied as is)
//   govuk-frontend.min.js(.map) GOV.UK Frontend ES module bundle
//   htmx.min.js                htmx 2 (classic script)
//   favicon.svg                static/images/favicon.svg
//
// The build fails if the CSS would load a web font or a GOV.UK crown/crest image.

import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const staticDir = dirname(fileURLToPath(import.meta.url))
const rootDir = dirname(staticDir)
const srcDir = join(staticDir, 'src')
const distDir = join(staticDir, 'dist')
const require = createRequire(join(rootDir, 'package.json'))

const govukDir = dirname(require.resolve('govuk-frontend/package.json'))
const htmxDir = dirname(require.resolve('htmx.org/package.json'))

const what = process.argv[2] || 'all'
if (!['all', 'css', 'js'].includes(what)) {
  console.error(`usage: node static/build.mjs [all|css|js] (got ${what})`)
  process.exit(2)
}

const rel = (path) => relative(rootDir, path)

async function copy (from, to) {
  await copyFile(from, join(distDir, to))
  console.log(`  ${rel(from)} -> static/dist/${to}`)
}

async function buildCss () {
  const entry = join(srcDir, 'portal.scss')
  const result = sass.compile(entry, {
    style: 'compressed',
    sourceMap: false,
    importers: [new sass.NodePackageImporter(rootDir)],
    loadPaths: [join(rootDir, 'node_modules')],
    // Do not print deprecation warnings from GOV.UK Frontend's own Sass
    quietDeps: true
  })
  const css = result.css

  // Guards: this is not a GOV.UK service
  const problems = []
  if (/@font-face/i.test(css)) problems.push('contains @font-face')
  if (/GDS Transport/i.test(css)) problems.push('mentions GDS Transport')
  if (/\.woff2?\b/i.test(css)) problems.push('references a web font file')
  const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1])
  const crownUrls = urls.filter((url) => /crest|crown|govuk-logo|govuk-icon/i.test(url))
  // The only crest reference in GOV.UK Frontend 6 is the footer copyright
  // logo rule, which portal.scss overrides (content/background/mask: none).
  const unexpected = crownUrls.filter((url) => !url.endsWith('/images/govuk-crest.svg'))
  if (unexpected.length) problems.push(`references crown images: ${unexpected.join(', ')}`)
  if (!/\.govuk-footer__copyright-logo::?before\{content:none/.test(css)) {
    problems.push('the footer crest override is missing')
  }
  if (problems.length) {
    throw new Error(`portal.css: ${problems.join('; ')}`)
  }
  const otherUrls = urls.filter((url) => !crownUrls.includes(url) && !url.startsWith('data:'))
  if (otherUrls.length) {
    console.warn(`  note: portal.css references ${otherUrls.join(', ')} (not copied)`)
  }

  await writeFile(join(distDir, 'portal.css'), css)
  console.log(`  ${rel(entry)} -> static/dist/portal.css (${(css.length / 1024).toFixed(1)} KiB)`)
}

async function buildJs () {
  const govukJs = join(govukDir, 'dist', 'govuk', 'govuk-frontend.min.js')
  await copy(govukJs, 'govuk-frontend.min.js')
  await copy(`${govukJs}.map`, 'govuk-frontend.min.js.map')
  await copy(join(htmxDir, 'dist', 'htmx.min.js'), 'htmx.min.js')
  await copy(join(srcDir, 'portal.js'), 'portal.js')

  // portal.js imports by relative path: make sure the names it imports exist
  const portal = await readFile(join(srcDir, 'portal.js'), 'utf8')
  const bundle = await readFile(govukJs, 'utf8')
  const exported = new Set(
    (bundle.match(/export\s*\{([^}]*)\}/)?.[1] || '').split(',').map((name) => name.trim())
  )
  for (const [, names] of portal.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]\.\/govuk-frontend\.min\.js['"]/g)) {
    for (const name of names.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
      if (!exported.has(name)) throw new Error(`portal.js imports ${name}, not exported by govuk-frontend.min.js`)
    }
  }
}

async function buildImages () {
  await copy(join(staticDir, 'images', 'favicon.svg'), 'favicon.svg')
}

try {
  if (what === 'all') await rm(distDir, { recursive: true, force: true })
  await mkdir(distDir, { recursive: true })
  console.log(`Building static/dist (${what})`)
  if (what === 'all' || what === 'css') await buildCss()
  if (what === 'all' || what === 'js') {
    await buildJs()
    await buildImages()
  }
} catch (error) {
  console.error(`Build failed: ${error.message}`)
  process.exit(1)
}
