" vc-lsp in Vim 9 through ALE (Debian's vim-ale, or ALE from your plugin manager).
"
" In your vimrc (see README.md in this folder):
"
"   packadd! ale
"   source /path/to/vc-lsp/editors/vim/vc-lsp.vim
"
" ALE starts vc-lsp for the filetypes in g:vc_lsp_filetypes (empty: every filetype) next to
" your other linters. Suggestions come as completion items through ALE's omnifunc (<C-x><C-o>
" in insert mode); code actions through :ALECodeAction. ALE cannot apply edits sent by a
" server, so vc-lsp offers it Explain only; the explanation fills a preview window while the
" model writes it (vc-lsp streams it as `vc/explanation` notifications, which this file
" shows). Every g:vc_lsp_* variable is read when a buffer gets its filetype, so setting one
" after this file is sourced works too.

if exists('g:loaded_vc_lsp')
  finish
endif
let g:loaded_vc_lsp = 1

" The server command: 'vc-lsp' on PATH, or a full path such as '/path/to/.venv/bin/vc-lsp'.
let g:vc_lsp_executable = get(g:, 'vc_lsp_executable', 'vc-lsp')
" Extra server arguments, e.g. ['--log-file', '/tmp/vc-lsp.log', '--log-level', 'DEBUG'].
let g:vc_lsp_args = get(g:, 'vc_lsp_args', [])
" Filetypes that get vc-lsp; [] means every filetype.
let g:vc_lsp_filetypes = get(g:, 'vc_lsp_filetypes', [])
" The vcLsp settings (see the main README's table), sent when the server starts.
let g:vc_lsp_settings = get(g:, 'vc_lsp_settings', {})
" Set 'omnifunc' to ALE's in those buffers, so <C-x><C-o> asks vc-lsp; 0 leaves it alone.
let g:vc_lsp_omnifunc = get(g:, 'vc_lsp_omnifunc', 1)
" 'completeopt' for those buffers: a single suggestion still shows as a menu, with the whole
" text in a popup, and nothing is inserted until <C-y>. '' keeps yours. (In Vim 9.0 the option
" is global, so this sets it for every buffer.)
let g:vc_lsp_completeopt = get(g:, 'vc_lsp_completeopt', 'menuone,noinsert,popup')

let s:defined = {}

function! s:Command(buffer) abort
  return join(map([g:vc_lsp_executable] + g:vc_lsp_args, 'ale#Escape(v:val)'), ' ')
endfunction

function! s:Define(filetype) abort
  if empty(a:filetype) || has_key(s:defined, a:filetype)
    return
  endif
  if !empty(g:vc_lsp_filetypes) && index(g:vc_lsp_filetypes, a:filetype) < 0
    return
  endif
  let s:defined[a:filetype] = 1
  call ale#linter#Define(a:filetype, {
  \ 'name': 'vc-lsp',
  \ 'lsp': 'stdio',
  \ 'executable': {buffer -> g:vc_lsp_executable},
  \ 'command': function('s:Command'),
  \ 'project_root': {buffer -> fnamemodify(bufname(buffer), ':p:h')},
  \ 'initialization_options': {buffer -> {'vcLsp': g:vc_lsp_settings,
  \                                       'vcLspClient': {'explanation': v:true}}},
  \})
endfunction

function! s:Attach() abort
  if !empty(&buftype)
    return  " not a file: the explanation's own window, help, quickfix...
  endif
  call s:Define(&filetype)
  if !has_key(s:defined, &filetype)
    return
  endif
  " ALE runs only its default linters for many filetypes (Python: flake8, mypy, ...): add
  " vc-lsp to the ones it would run, unless you chose them yourself in g:ale_linters.
  if !exists('b:ale_linters') && !has_key(get(g:, 'ale_linters', {}), &filetype)
    let l:names = map(ale#linter#Get(&filetype), 'v:val.name')
    if index(l:names, 'vc-lsp') < 0
      let b:ale_linters = l:names + ['vc-lsp']
    endif
  endif
  if g:vc_lsp_omnifunc
    setlocal omnifunc=ale#completion#OmniFunc
  endif
  if !empty(g:vc_lsp_completeopt)
    let &l:completeopt = g:vc_lsp_completeopt
  endif
endfunction

" ALE inserts an item's text only up to its first '(' (and a completion menu holds one line):
" once one of vc-lsp's items is accepted, put in the whole suggestion, line breaks included.
" ALE keeps the item's documentation, which for vc-lsp is the whole text, as 'info'.
function! s:CompleteDone() abort
  let l:item = v:completed_item
  if empty(l:item) || get(l:item, 'menu', '') !=# 'vc-lsp'
    return
  endif
  let l:full = get(l:item, 'info', '')
  let l:word = get(l:item, 'word', '')
  if empty(l:full) || l:full ==# l:word || stridx(l:full, l:word) != 0
    return
  endif
  let l:line = getline('.')
  let l:end = col('.') - 1
  let l:start = l:end - len(l:word)
  if l:start < 0 || strpart(l:line, l:start, len(l:word)) !=# l:word
    return  " the line is not what the menu left behind: touch nothing
  endif
  let l:lines = split(l:full, "\n", 1)
  let l:after = strpart(l:line, l:end)
  let l:lines[0] = strpart(l:line, 0, l:start) . l:lines[0]
  let l:last = len(l:lines[-1])
  let l:lines[-1] .= l:after
  call setline('.', l:lines[0])
  if len(l:lines) > 1
    call append(line('.'), l:lines[1:])
  endif
  let l:row = line('.') + len(l:lines) - 1
  call cursor(l:row, (len(l:lines) == 1 ? l:start + len(l:full) : l:last) + 1)
endfunction

" -- Explanations ------------------------------------------------------------------------
" vc-lsp sends each explanation as `vc/explanation` notifications, each with the whole text so
" far ({id, uri, title, text, done, stopped}); they fill the buffer "vc-lsp explanation" in the
" preview window (`q` or :pclose closes it, which stops the model if it still writes).
" `User VcLspExplanation` fires after each update.

let s:explanation = {'id': '', 'conn': '', 'done': 1, 'title': ''}
let s:closed = ''  " the id of an explanation whose window was closed: its updates are dropped
let s:listening = {}

function! s:Listen() abort
  for [l:id, l:conn] in items(ale#lsp#GetConnections())
    if !has_key(s:listening, l:id) && type(get(l:conn, 'init_options')) is v:t_dict
    \ && has_key(l:conn.init_options, 'vcLspClient')
      let s:listening[l:id] = 1
      call ale#lsp#RegisterCallback(l:id, function('s:OnMessage'))
    endif
  endfor
endfunction

function! s:OnMessage(conn_id, message) abort
  if get(a:message, 'method', '') ==# 'vc/explanation'
    call s:Explanation(a:conn_id, a:message.params)
  endif
endfunction

function! s:ExplanationBuffer() abort
  let l:buf = bufnr('^vc-lsp explanation$')
  if l:buf > 0
    return l:buf
  endif
  let l:buf = bufadd('vc-lsp explanation')
  call setbufvar(l:buf, '&buftype', 'nofile')
  call setbufvar(l:buf, '&bufhidden', 'hide')
  call setbufvar(l:buf, '&swapfile', 0)
  call setbufvar(l:buf, '&buflisted', 0)
  call setbufvar(l:buf, 'ale_enabled', 0)
  call bufload(l:buf)
  call setbufvar(l:buf, '&filetype', 'markdown')
  call setbufvar(l:buf, '&modifiable', 0)
  execute 'autocmd vc_lsp BufWinLeave <buffer=' . l:buf . '> call ' . expand('<SID>') . 'Closed()'
  return l:buf
endfunction

function! s:Stop() abort
  if !s:explanation.done && !empty(s:explanation.conn)
    let s:explanation.done = 1
    let s:closed = s:explanation.id
    silent! call ale#lsp#Send(s:explanation.conn, [0, 'workspace/executeCommand',
    \ {'command': 'vc.cancel', 'arguments': [{'uri': s:explanation.id}]}])
  endif
endfunction

function! s:Closed() abort
  call s:Stop()  " the window closed while the model still writes: stop it
endfunction

function! s:Status() abort
  let l:params = s:explanation
  let l:state = !l:params.done ? 'explaining...  q closes and stops'
  \ : empty(get(l:params, 'stopped', v:null)) ? 'done' : 'stopped (' . l:params.stopped . ')'
  return substitute(l:params.title . ': ' . l:state, '%', '%%', 'g')
endfunction

" The preview window, the cursor left where it is. Vim refuses to change windows while the
" completion menu or the command line is up (E565): then it opens a moment later.
function! s:Open(buf) abort
  if bufwinid(a:buf) > 0 || !bufexists(a:buf)
    return
  endif
  let l:here = win_getid()
  try
    execute 'silent keepalt pedit' fnameescape(bufname(a:buf))
    noautocmd wincmd P
    nnoremap <buffer> <silent> q :pclose<CR>
    setlocal wrap linebreak nonumber norelativenumber nofoldenable
    noautocmd call win_gotoid(l:here)
    call s:ShowStatus(a:buf)
  catch /^Vim\%((\a\+)\)\=:E\(565\|523\|11\):/
    call timer_start(200, {-> s:Open(a:buf)})
  endtry
endfunction

function! s:ShowStatus(buf) abort
  if bufwinid(a:buf) > 0
    call win_execute(bufwinid(a:buf), 'setlocal statusline=' . escape(s:Status(), ' \|"'))
  endif
endfunction

function! s:Explanation(conn_id, params) abort
  let l:id = get(a:params, 'id', '')
  if l:id ==# s:closed
    return
  endif
  let l:fresh = l:id !=# s:explanation.id
  if l:fresh
    call s:Stop()  " a newer explanation replaces one still streaming
    let s:explanation = {'id': l:id, 'conn': a:conn_id}
  endif
  let s:explanation.done = get(a:params, 'done', v:false) is v:true
  let s:explanation.stopped = get(a:params, 'stopped', v:null)
  let s:explanation.title = get(a:params, 'title', '')
  let l:buf = s:ExplanationBuffer()
  let l:lines = split(get(a:params, 'text', ''), "\n", 1)
  if len(l:lines) > 1 && empty(l:lines[-1])
    call remove(l:lines, -1)
  endif
  call setbufvar(l:buf, '&modifiable', 1)
  call setbufline(l:buf, 1, l:lines)
  if len(getbufline(l:buf, 1, '$')) > len(l:lines)
    silent call deletebufline(l:buf, len(l:lines) + 1, '$')
  endif
  call setbufvar(l:buf, '&modifiable', 0)
  call setbufvar(l:buf, '&modified', 0)
  if bufwinid(l:buf) < 0 && (l:fresh || !s:explanation.done)
    call s:Open(l:buf)
  endif
  call s:ShowStatus(l:buf)
  if exists('#User#VcLspExplanation')
    doautocmd <nomodeline> User VcLspExplanation
  endif
endfunction

augroup vc_lsp
  autocmd!
  autocmd FileType * call s:Attach()
  autocmd CompleteDone * call s:CompleteDone()
  autocmd User ALELSPStarted call s:Listen()
augroup END
