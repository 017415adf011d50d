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
" server, so vc-lsp offers it Explain only. Every g:vc_lsp_* variable is read when a buffer
" gets its filetype, so setting one after this file is sourced works too.

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
  \ 'initialization_options': {buffer -> {'vcLsp': g:vc_lsp_settings}},
  \})
endfunction

function! s:Attach() abort
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

augroup vc_lsp
  autocmd!
  autocmd FileType * call s:Attach()
  autocmd CompleteDone * call s:CompleteDone()
augroup END
