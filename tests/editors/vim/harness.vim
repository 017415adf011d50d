" Test side channel for tests/editors/test_vim.py, sourced after the user's vimrc (the README's
" lines). Dials the test's channel (VC_TEST_PORT, Vim's JSON channel mode) and reports events,
" so the test waits on events, never on sleeps: `attached` when ALE started vc-lsp, `changed`
" with the buffer's lines, `menu` when the completion menu shows, `completed` after an item
" was accepted (and vc-lsp.vim's CompleteDone ran), `prompt` when Vim asks on its command line.
" The test evaluates expressions with ["expr", ...]; keys come from tmux, as a person types.

" Sourced with --cmd, before the vimrc, while 'compatible' is still on: line continuations
" need Vim's own 'cpoptions'.
let s:cpo_save = &cpo
set cpo&vim

let s:channel = ch_open('127.0.0.1:' . $VC_TEST_PORT, {'mode': 'json', 'waittime': 5000})

function! VcTestTell(event, data) abort
  if ch_status(s:channel) ==# 'open'
    call ch_sendexpr(s:channel, {'event': a:event, 'data': a:data})
  endif
endfunction

function! VcTestState() abort
  return {'lines': getline(1, '$'), 'line': line('.'), 'col': col('.'), 'mode': mode()}
endfunction

" What the server says (window/showMessage), reported after ALE handled it, so the test can
" check what ALE made of it.
let s:listening = {}
function! s:OnLsp(conn_id, message) abort
  if get(a:message, 'method', '') ==# 'window/showMessage'
    let l:params = a:message.params
    call timer_start(0, {-> VcTestTell('server-message', l:params)})
  endif
endfunction

" Vim's own screen once redrawn: what the terminal shows as soon as it has drawn Vim's output
" (tmux's copy may lag behind the event).
function! s:Screen() abort
  redraw
  return join(map(range(1, &lines), {_, row -> join(map(range(1, &columns),
        \ {_, col -> screenstring(row, col)}), '')}), "\n")
endfunction

function! s:Explanation() abort
  let l:buf = bufnr('^vc-lsp explanation$')
  return {'lines': getbufline(l:buf, 1, '$'), 'shown': bufwinid(l:buf) > 0, 'here': bufname('%'),
        \ 'screen': s:Screen()}
endfunction

function! s:Started() abort
  for l:id in keys(ale#lsp#GetConnections())
    if !has_key(s:listening, l:id)
      let s:listening[l:id] = 1
      call ale#lsp#RegisterCallback(l:id, function('s:OnLsp'))
    endif
  endfor
  call VcTestTell('attached', {'buffer': bufname('%')})
endfunction

augroup vc_test
  autocmd!
  autocmd User ALELSPStarted call s:Started()
  autocmd TextChanged,TextChangedI,TextChangedP * call VcTestTell('changed', VcTestState())
  autocmd CompleteChanged * call VcTestTell('menu', map(copy(complete_info(['items']).items),
        \ {_, item -> {'word': item.word, 'menu': get(item, 'menu', ''), 'kind': get(item, 'kind', '')}}))
  " After every CompleteDone handler, vc-lsp.vim's included.
  autocmd CompleteDone * call timer_start(0, {-> VcTestTell('completed', VcTestState())})
  autocmd CmdlineEnter * call VcTestTell('prompt', getcmdtype())
  " After each update of vc-lsp.vim's explanation window.
  autocmd User VcLspExplanation call VcTestTell('explanation', s:Explanation())
augroup END

call VcTestTell('ready', {'version': v:version})

let &cpo = s:cpo_save
