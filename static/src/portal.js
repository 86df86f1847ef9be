/**
 * Review portal front-end behaviour (ES module).
 *
 * Load order in the base template:
 *   1. htmx as a classic script      -> window.htmx
 *   2. this file as type="module"   -> imports GOV.UK Frontend from the same folder
 *
 * Strict-CSP friendly: no eval, no inline handlers, no style attributes,
 * and htmx's injected indicator <style> is switched off.
 */
import { initAll } from './govuk-frontend.min.js'

const htmx = window.htmx

// htmx's configuration is the <meta name="htmx-config"> in templates/base.html:
// one place, rendered by the server, checked by the security tests.

// --- GOV.UK Frontend ----------------------------------------------------------

// The base template should set these classes with its nonce'd inline snippet;
// set them here as a fallback (a module script only runs in browsers that
// GOV.UK Frontend supports, which is what the snippet tests for).
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

/**
 * Initialise GOV.UK Frontend components inside `scope`.
 * Components that are already initialised (data-<module>-init attribute) throw
 * an InitError: those are expected after partial swaps and are ignored.
 *
 * @param {Document | Element} scope
 */
function initGovuk (scope) {
  initAll({
    scope,
    onError (error, context) {
      if (error && error.name === 'InitError') return
      console.error('GOV.UK Frontend initialisation error', error, context)
    }
  })
}

initGovuk(document)

// --- Helpers ------------------------------------------------------------------

/**
 * All elements in `root` (including `root` itself) matching `selector`.
 *
 * @param {Element} root
 * @param {string} selector
 * @returns {Element[]}
 */
function findAll (root, selector) {
  const found = Array.from(root.querySelectorAll(selector))
  if (root.matches(selector)) found.unshift(root)
  return found
}

const NATIVELY_FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]'

/**
 * Move focus to `element`, making it programmatically focusable if needed
 * (tabindex="-1", removed again on blur, like GOV.UK Frontend does).
 *
 * @param {HTMLElement} element
 */
function focusElement (element) {
  if (!element.matches(NATIVELY_FOCUSABLE)) {
    element.setAttribute('tabindex', '-1')
    element.addEventListener('blur', () => element.removeAttribute('tabindex'), { once: true })
  }
  element.focus()
}

let announceTimer = null

/**
 * Announce `message` through the polite live region in the base template:
 * <div id="app-live-region" class="govuk-visually-hidden" aria-live="polite"></div>
 * The region is cleared first so the same message is announced again.
 *
 * @param {string} message
 */
function announce (message) {
  const region = document.getElementById('app-live-region')
  if (!region || !message) return
  region.textContent = ''
  window.clearTimeout(announceTimer)
  announceTimer = window.setTimeout(() => {
    region.textContent = message
  }, 100)
}

// --- htmx integration ---------------------------------------------------------

// CSRF token for every non-GET request (Flask-WTF reads X-CSRFToken)
document.addEventListener('htmx:configRequest', (event) => {
  const verb = String(event.detail.verb || '').toLowerCase()
  if (verb === 'get') return
  const meta = document.querySelector('meta[name="csrf-token"]')
  const token = meta && meta.getAttribute('content')
  if (token) event.detail.headers['X-CSRFToken'] = token
})

// New content (fired by htmx for each new top-level element after settling,
// and once for <body> on page load). Initialise GOV.UK components in it.
// The parent is used as the scope so that a swapped-in element that is
// itself a component (data-module on the root) is found too.
document.addEventListener('htmx:load', (event) => {
  const element = event.target
  if (!(element instanceof Element)) return
  if (element === document.body || element === document.documentElement) return
  initGovuk(element.parentElement || element)
})

// After a swap has settled (GOV.UK components are initialised by then):
// focus management and live announcements.
document.addEventListener('htmx:afterSettle', (event) => {
  const swapped = event.target
  if (!(swapped instanceof HTMLElement)) return

  const errorSummary = findAll(swapped, '.govuk-error-summary')[0]
  const focusTarget = errorSummary || findAll(swapped, '[data-app-focus]')[0]
  if (focusTarget instanceof HTMLElement && !focusTarget.contains(document.activeElement)) {
    focusElement(focusTarget)
  }

  const messages = findAll(swapped, '[data-app-announce]')
    .map((element) => (element.getAttribute('data-app-announce') || '').trim())
    .filter(Boolean)
  if (messages.length) announce(messages.join(' '))
})

// Tell screen reader users when a request fails (htmx does not swap errors)
document.addEventListener('htmx:responseError', () => {
  announce('Sorry, there is a problem. Try again.')
})
document.addEventListener('htmx:sendError', () => {
  announce('Sorry, the portal could not be reached. Check your connection and try again.')
})
